namespace Broker.Contracts.Images;

/// <summary>The disk image formats a gold image may arrive in, told apart by their content, not their name.</summary>
public enum DiskImageFormat
{
    /// <summary>Anything without a known signature: the disk's bytes as they are.</summary>
    Raw,

    /// <summary>Starts with the file type identifier <c>vhdxfile</c> (MS-VHDX 2.2.1).</summary>
    Vhdx,

    /// <summary>Starts with the magic <c>QFI\xfb</c>; converted to raw by qemu-img on import.</summary>
    Qcow2,
}

/// <summary>
/// Reads the format of a disk image from its first bytes: the broker checks an upload with it, the
/// host agent picks its import path with it.
/// </summary>
public static class DiskImageFormats
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int SignatureLength = 8;

    /// <summary>The sector size a raw image's length must be a whole multiple of.</summary>
    public const int RawSectorSize = 512;

    private static ReadOnlySpan<byte> VhdxSignature => "vhdxfile"u8;

    private static ReadOnlySpan<byte> Qcow2Magic => [(byte)'Q', (byte)'F', (byte)'I', 0xfb];

    /// <summary>The format whose signature <paramref name="head"/> (the file's first bytes, up to <see cref="SignatureLength"/>) starts with.</summary>
    public static DiskImageFormat Detect(ReadOnlySpan<byte> head) => head switch
    {
        _ when head.StartsWith(VhdxSignature) => DiskImageFormat.Vhdx,
        _ when head.StartsWith(Qcow2Magic) => DiskImageFormat.Qcow2,
        _ => DiskImageFormat.Raw,
    };

    /// <summary>
    /// True when a file of <paramref name="length"/> bytes starting with <paramref name="head"/> can
    /// be a disk image: a VHDX or qcow2 signature, or a raw disk of whole 512-byte sectors.
    /// </summary>
    public static bool IsPlausible(ReadOnlySpan<byte> head, long length) =>
        Detect(head) != DiskImageFormat.Raw || (length > 0 && length % RawSectorSize == 0);
}
