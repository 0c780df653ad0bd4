namespace Broker.Persistence;

/// <summary>
/// The batched last-seen write hosts and devices share: the agents heard since the last flush are
/// grouped by the second they were heard in (rounded down, so a stored time is never later than the
/// real one), and each group is one <c>UPDATE … WHERE Id IN (…) AND LastSeen &lt; @at</c>; all groups
/// commit together. Versions stay as they are, so a heartbeat never makes an admin's edit conflict.
/// </summary>
internal static class LastSeenWrites
{
    /// <summary>Runs <paramref name="advance"/> once per second-group of <paramref name="seen"/>, in one transaction.</summary>
    public static async Task AdvanceAsync<TId>(
        BrokerDbContext context,
        IReadOnlyDictionary<TId, DateTimeOffset> seen,
        Func<List<TId>, DateTimeOffset, CancellationToken, Task<int>> advance,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        if (seen.Count == 0)
        {
            return;
        }

        var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var group in seen.GroupBy(pair => WholeSecond(pair.Value)))
            {
                await advance([.. group.Select(pair => pair.Key)], group.Key, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
