namespace Broker.Transfer.Client;

/// <summary>
/// A pull's staging file as <see cref="StagedFetch.StartStagingAsync"/> leaves it, with its progress
/// <paramref name="Key"/> in the pull ledger. <paramref name="Fresh"/> when it was just created: it
/// holds nothing, so nothing in it is probed for chunks a killed pull wrote (a base's reserved
/// blocks would read back, and hash, as gigabytes of zeros).
/// </summary>
internal sealed record StagingFile(string Path, string Key, bool Fresh);
