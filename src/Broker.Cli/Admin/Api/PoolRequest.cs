namespace Broker.Cli.Admin.Api;

/// <summary>Body of a pool create (<c>POST</c>) or edit (<c>PUT</c>, with the <c>Version</c> it is based on).</summary>
internal sealed record PoolRequest(string Name, string Kind, Guid ImageId, int DesiredSize, OfflinePolicy? Offline, long? Version)
{
    /// <summary>An edit of <paramref name="pool"/> that changes nothing yet.</summary>
    public static PoolRequest EditOf(PoolInfo pool) => new(pool.Name, pool.Kind, pool.ImageId, pool.DesiredSize, pool.Offline, pool.Version);
}
