/** Buffers for the CLI's `run(argv, io)`: stdout and stderr apart, and `all` of both in order. */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const all: string[] = [];
  return {
    io: {
      out: {
        write: (t: string) => {
          out.push(t);
          all.push(t);
        },
      },
      err: {
        write: (t: string) => {
          err.push(t);
          all.push(t);
        },
      },
    },
    out,
    err,
    all,
  };
}
