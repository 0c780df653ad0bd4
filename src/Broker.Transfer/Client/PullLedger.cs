namespace Broker.Transfer.Client;

/// <summary>Every source in progress (twin-copy store <c>pulls</c> in the client's work directory).</summary>
internal sealed record PullLedger(IReadOnlyList<PullEntry> Entries)
{
    public PullEntry? Find(string key) => Entries.FirstOrDefault(entry => entry.Key == key);

    public PullLedger With(PullEntry entry) => new([.. Entries.Where(other => other.Key != entry.Key), entry]);

    public PullLedger Without(string key) => new([.. Entries.Where(other => other.Key != key)]);
}
