namespace Broker.EndToEnd.Tests.Harness;

/// <summary>Asks again and again until the world has moved on: processes answer, they do not call back.</summary>
internal static class Polling
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Calls <paramref name="observe"/> until <paramref name="done"/> holds for what it returned and
    /// returns that; throws <see cref="TimeoutException"/> naming <paramref name="what"/> and the last
    /// observation when <paramref name="limit"/> passes first.
    /// </summary>
    public static async Task<T> UntilAsync<T>(string what, Func<CancellationToken, Task<T>> observe, Func<T, bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var last = default(T);
        try
        {
            while (true)
            {
                last = await observe(deadline.Token);
                if (done(last))
                {
                    return last;
                }

                await Task.Delay(Interval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {limit} for {what}; last seen: {last}");
        }
    }
}
