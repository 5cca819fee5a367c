// `npm run bench`: with no arguments, one `ferry run` task's throughput (one-task.ts); with a scenario or
// `all`, the data-path matrix Ferry vs MirrorMaker 2 vs the raw limit (datapath/run.ts, issue #10).
//   npm run bench -- all [--runs 3] [--volume MiB] [--profile] [--systems ferry,ferry-managed,mm2,raw]
//   npm run bench -- 1k --profile
const argv = process.argv.slice(2);
if (argv.length === 0) await import('./one-task.ts');
else {
  const { main } = await import('./datapath/run.ts');
  const { BenchArgsError } = await import('./datapath/args.ts');
  try {
    await main(argv);
  } catch (e) {
    if (e instanceof BenchArgsError) {
      console.error(`bench: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  process.exit(0);
}
