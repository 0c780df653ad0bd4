namespace Broker.Core.Images;

/// <summary>
/// Where an image uploaded to the broker stands on its way into the hosts' base stores, derived
/// from the hosts' states by <see cref="ImageImport.StateOf"/>.
/// </summary>
public enum ImageImportState
{
    /// <summary>The file is stored on the broker; no host has been asked for it yet.</summary>
    Uploaded,

    /// <summary>Hosts were told to fetch it; none has imported it yet and not every one of them failed.</summary>
    Distributing,

    /// <summary>At least one host imported it: the image is registered and pools may use it.</summary>
    Ready,

    /// <summary>Every host that tried refused it and none has it; the hosts' reasons say why.</summary>
    Failed,
}
