namespace Broker.Disks.Images;

/// <summary>The base store's durable index (a twin-copy store): every stored image and its reference count.</summary>
internal sealed record BaseImageIndex(IReadOnlyList<BaseImageEntry> Images);
