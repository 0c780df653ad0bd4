using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Broker.Qemu.Processes;

/// <summary>
/// One background thread, alive until the process exits, on which every child is forked.
/// </summary>
/// <remarks>
/// Linux delivers a child's parent-death signal (<c>PR_SET_PDEATHSIG</c>) when the <em>thread</em>
/// that forked it exits, not the process. .NET forks on the thread that calls
/// <see cref="System.Diagnostics.Process.Start()"/>, and thread-pool threads retire when idle, so a
/// child forked from one would be killed at a random later moment. Forking only here ties the signal
/// to the death of the whole process.
/// </remarks>
internal static class SpawnerThread
{
    private static readonly BlockingCollection<Action> Work = CreateThread();

    /// <summary>Runs <paramref name="spawn"/> on the spawner thread and returns its result or rethrows its exception.</summary>
    public static T Run<T>(Func<T> spawn)
    {
        ArgumentNullException.ThrowIfNull(spawn);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        using var done = new ManualResetEventSlim();
        Work.Add(() =>
        {
            try
            {
                result = spawn();
            }
#pragma warning disable CA1031 // Rethrown on the caller's thread below.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        failure?.Throw();
        return result;
    }

    private static BlockingCollection<Action> CreateThread()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var item in work.GetConsumingEnumerable())
            {
                item();
            }
        })
        {
            IsBackground = true,
            Name = "Broker.Qemu spawner",
        };
        thread.Start();
        return work;
    }
}
