using Broker.Core.Pools;

namespace Broker.Server.Pools;

/// <summary>A pool as saved by <see cref="PoolAdministration"/>, and how many of its desktops found no host with free capacity.</summary>
internal sealed record SavedPool(Pool Pool, int Unplaced);
