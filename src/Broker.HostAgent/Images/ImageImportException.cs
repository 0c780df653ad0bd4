namespace Broker.HostAgent.Images;

/// <summary>
/// A file offered as a gold image is not one this host can import (no disk image, a corrupt VHDX or
/// qcow2, a raw file whose length is not whole sectors). Nothing of it was stored.
/// </summary>
public sealed class ImageImportException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ImageImportException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ImageImportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and what caused it.</summary>
    public ImageImportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
