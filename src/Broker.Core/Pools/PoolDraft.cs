using Broker.Core.Images;

namespace Broker.Core.Pools;

/// <summary>What an admin enters to create or edit a pool; checked by <see cref="Pool.Create"/> and <see cref="Pool.Edit"/>.</summary>
/// <param name="Name">Display name, unique among pools (the store enforces uniqueness).</param>
/// <param name="Kind">Dedicated or floating.</param>
/// <param name="Image">The gold image new desktops start from.</param>
/// <param name="DesiredSize">How many desktops the pool should have.</param>
/// <param name="Offline">The offline policy; <see langword="null"/> means <see cref="OfflinePolicy.Default"/>.</param>
public sealed record PoolDraft(string? Name, PoolKind Kind, ImageId Image, int DesiredSize, OfflinePolicy? Offline);
