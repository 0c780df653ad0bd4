using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.Server.Bench;

/// <summary>
/// Open-loop heartbeat load: sends at a fixed rate, round-robin over the agents, whether or not
/// earlier heartbeats were acked yet (a slow broker shows as latency and a lower sustained rate, not
/// as a politely slower generator). Each agent's heartbeat is its <see cref="SimulatedAgent.Heartbeat"/>.
/// </summary>
internal sealed class HeartbeatGenerator(IReadOnlyList<SimulatedAgent> agents, BrokerProcess broker)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    private int _next;

    /// <summary>
    /// Sends <paramref name="rate"/> heartbeats a second for <paramref name="duration"/> or until
    /// <paramref name="cancellationToken"/> stops it, then waits for the acks.
    /// </summary>
    public async Task<LoadStep> RunAsync(double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var outstanding = new List<Task>();
        long acked = 0, errors = 0, lastAck = 0;
        string? firstError = null;
        var commandsBefore = agents.Sum(agent => agent.Commands);
        var cpuBefore = broker.CpuSeconds();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        using var drain = new CancellationTokenSource(); // not the caller's token: a stopped run still waits for its acks

        async Task SendOneAsync(SimulatedAgent agent)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                var ack = await agent.SendAsync(agent.Heartbeat(), drain.Token);
                if (ack.Accepted)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref acked);
                    Interlocked.Exchange(ref lastAck, clock.ElapsedTicks);
                    return;
                }

                Interlocked.CompareExchange(ref firstError, $"refused: {ack.Reason} {ack.Detail}", null);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}", null);
            }

            Interlocked.Increment(ref errors);
        }

        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)(rate * clock.Elapsed.TotalSeconds);
            for (; sent < due; sent++)
            {
                outstanding.Add(SendOneAsync(agents[_next++ % agents.Count]));
            }

            await Task.Delay(Tick, CancellationToken.None);
        }

        drain.CancelAfter(DrainTimeout);
        await Task.WhenAll(outstanding);
        var cpu = broker.CpuSeconds() - cpuBefore;
        var span = TimeSpan.FromTicks(Interlocked.Read(ref lastAck) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        var sorted = latencies.ToList();
        sorted.Sort();
        return new LoadStep(
            rate,
            sent,
            acked,
            errors,
            span > TimeSpan.Zero ? acked / span.TotalSeconds : 0,
            sorted,
            cpu,
            broker.RssMiB(),
            agents.Sum(agent => agent.Commands) - commandsBefore,
            firstError);
    }
}
