using Broker.Core.Images;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>What the pool form fields need: the values, the images to choose from, and whether the kind may still change.</summary>
internal sealed record PoolFieldsView(PoolForm Form, IReadOnlyList<GoldImage> Images, bool KindFixed);
