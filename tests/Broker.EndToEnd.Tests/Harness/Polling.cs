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

    /// <summary>
    /// Like <see cref="UntilAsync{T}"/>, for a world where a daemon may be down or restarting: an
    /// observation that fails (a refused connection, an error answer, a brokerctl that exits non-zero)
    /// counts as not done yet, and the timeout quotes the last failure.
    /// </summary>
    public static async Task<T> UntilToleratingAsync<T>(string what, Func<CancellationToken, Task<T>> observe, Func<T, bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        var observed = await UntilAsync(what, token => AttemptAsync(observe, token), attempt => attempt.Failure is null && done(attempt.Value!), limit, cancellationToken);
        return observed.Value!;
    }

    private static async Task<Attempt<T>> AttemptAsync<T>(Func<CancellationToken, Task<T>> observe, CancellationToken cancellationToken)
    {
        try
        {
            return new Attempt<T>(await observe(cancellationToken), null);
        }
        catch (Exception exception) when (exception is ShouldAssertException or HttpRequestException or IOException or System.Text.Json.JsonException)
        {
            return new Attempt<T>(default, exception.Message);
        }
    }

    /// <summary>One observation: what was seen, or why nothing was.</summary>
    private sealed record Attempt<T>(T? Value, string? Failure);
}
