namespace Broker.Core.Images;

/// <summary>Where one host stands with one image, uploaded to the broker or registered by address.</summary>
public enum ImageHostImportState
{
    /// <summary>The host was told to fetch it (IMPORT_IMAGE) and has not reported back yet.</summary>
    Offered,

    /// <summary>The host imported it into its base store.</summary>
    Imported,

    /// <summary>The host could not import it; the detail says why. It is not offered to that host again until an admin retries.</summary>
    Failed,
}
