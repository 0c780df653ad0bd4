namespace Broker.Core.Images;

/// <summary>Where an image uploaded to the broker stands on its way into the hosts' base stores.</summary>
public enum ImageImportState
{
    /// <summary>The file is stored on the broker; no host has been asked for it yet.</summary>
    Uploaded,

    /// <summary>Hosts were told to fetch it; none has reported it imported yet.</summary>
    Distributing,

    /// <summary>At least one host imported it: the image is registered and pools may use it.</summary>
    Ready,

    /// <summary>A host refused it (no importable disk image, or a download that did not match); the reason says why.</summary>
    Failed,
}
