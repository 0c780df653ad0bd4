using Broker.Vhdx.Storage;

namespace Broker.Testing.Storage;

/// <summary>
/// Exhaustive crash testing over <see cref="CrashingStorage"/>: run the operation once to count its
/// durable I/O, then for every crash point (after 0, 1, … all of them) run it again, crash there,
/// and verify every materialised disk state in every requested mode.
/// </summary>
/// <remarks>
/// The operation must issue the same I/O sequence on every run (no timing-dependent I/O), else a
/// crash point may not be reached and the test fails saying so. It may let the
/// <see cref="StorageCrashedException"/> escape or wrap it; any other exception before the crash
/// fails the test. The last crash point (after every operation) models a power cut right after the
/// operation returned, so <c>verify</c> sees its promised durable result there.
/// </remarks>
public static class CrashTester
{
    public static async Task<CrashTestSummary> RunAsync(
        Func<IStorage, CancellationToken, Task> operation,
        Func<CrashingStorage, CrashPoint, CancellationToken, Task> verify,
        CancellationToken cancellationToken,
        CrashTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(verify);
        options ??= new CrashTestOptions();

        var baseline = options.Initial?.Fork() ?? new CrashingStorage();
        if (options.Setup is not null)
        {
            await options.Setup(baseline, cancellationToken);
        }

        var counting = baseline.Fork();
        await operation(counting, cancellationToken);
        var total = counting.OperationCount;

        var materialisations = 0;
        for (var completed = 0; completed <= total; completed++)
        {
            var run = baseline.Fork();
            if (completed < total)
            {
                run.CrashAfter(completed);
            }

            try
            {
                await operation(run, cancellationToken);
            }
            catch (Exception exception) when (run.HasCrashed && exception is not OperationCanceledException)
            {
                // The crash, possibly wrapped by the code under test: expected.
            }

            if (completed < total && !run.HasCrashed)
            {
                throw new CrashTestFailedException(
                    $"The operation finished without reaching operation #{completed + 1} of {total}: its I/O sequence differs between runs.");
            }

            run.Crash();
            foreach (var mode in options.Modes)
            {
                foreach (var seed in IsRandomised(mode) ? options.Seeds : [0])
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var point = new CrashPoint(completed, total, mode, seed, completed < total ? run.RefusedOperation : null, run.OperationLog);
                    var rebooted = run.Materialise(mode, seed);
                    try
                    {
                        await verify(rebooted, point, cancellationToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        throw new CrashTestFailedException(point, exception);
                    }

                    materialisations++;
                }
            }
        }

        return new CrashTestSummary(total, total + 1, materialisations);
    }

    private static bool IsRandomised(CrashMode mode) =>
        mode is CrashMode.KeepRandomSubset or CrashMode.TearLastWrite512 or CrashMode.TearLastWrite4096;
}
