import { getSSRSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

// A server component: verifies the access token from the request's cookies, without a database call.
export default async function Home() {
  const result = await getSSRSession({ latch: appLatch });
  if (result.status === "OK") return <p>Signed in as {result.userId}</p>;
  if (result.status === "TRY_REFRESH") return <p>Your session needs a refresh: the client SDK does it on its next call.</p>;
  return (
    <p>
      Not signed in. POST /login with {"{"}"userId"{"}"} to start a session.
    </p>
  );
}
