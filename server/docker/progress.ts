// Docker's pull, push and build answer with a stream of progress objects; an error
// arrives as one of them, not as an HTTP status.
import type Docker from "dockerode";

/** Follows a dockerode progress stream to its end, failing on the first error it reports. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = output?.find((o) => o.error || o.errorDetail);
        if (err) reject(err);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve();
      },
    );
  });
}
