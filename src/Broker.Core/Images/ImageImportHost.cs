using Broker.Core.Hosts;

namespace Broker.Core.Images;

/// <summary>How far one host got with one image: uploaded to the broker, or registered by address and copied from another host.</summary>
public sealed record ImageImportHost
{
    /// <summary>Longest kept <see cref="Detail"/>; a longer one is cut.</summary>
    public const int MaxDetailLength = 1000;

    /// <summary>The image (an upload or an image registered by address).</summary>
    public required ImageId Image { get; init; }

    /// <summary>The host.</summary>
    public required HostId Host { get; init; }

    /// <summary>Where the host stands.</summary>
    public required ImageHostImportState State { get; init; }

    /// <summary>The host's reason, for <see cref="ImageHostImportState.Failed"/>; otherwise null.</summary>
    public string? Detail { get; init; }

    /// <summary>When the state was last set.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
