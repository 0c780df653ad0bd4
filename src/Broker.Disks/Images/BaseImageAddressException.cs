namespace Broker.Disks.Images;

/// <summary>An image's content does not hash to the address it was announced under; the store refused it.</summary>
/// <remarks>Derives from <see cref="IOException"/> (ADR 0005): it is malformed input, not a program error.</remarks>
public sealed class BaseImageAddressException : IOException
{
    public BaseImageAddressException()
    {
    }

    public BaseImageAddressException(string message)
        : base(message)
    {
    }

    public BaseImageAddressException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BaseImageAddressException(string expectedAddress, string actualAddress)
        : base($"The image's content has address {actualAddress}, not the announced {expectedAddress}.")
    {
        ExpectedAddress = expectedAddress;
        ActualAddress = actualAddress;
    }

    /// <summary>The address the image was announced under.</summary>
    public string? ExpectedAddress { get; }

    /// <summary>The address its content hashes to.</summary>
    public string? ActualAddress { get; }
}
