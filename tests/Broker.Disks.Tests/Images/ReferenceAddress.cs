using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Disks.Tests.Images;

/// <summary>
/// A base image's content address spelled out from ADR 0008, independently of the store's code:
/// SHA-256 over the tag, the geometry and the BLAKE3 hash of every 1 MiB chunk of the content.
/// </summary>
internal static class ReferenceAddress
{
    private const int ChunkLength = 1024 * 1024;

    public static string Of(byte[] content, int sectorSize)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(header, content.Length);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), sectorSize);
        using var stream = new MemoryStream();
        stream.Write(Encoding.ASCII.GetBytes("broker.base-image.v2\0"));
        stream.Write(header);
        for (var offset = 0; offset < content.Length; offset += ChunkLength)
        {
            stream.Write(Blake3.Hasher.Hash(content.AsSpan(offset, Math.Min(ChunkLength, content.Length - offset))).AsSpan());
        }

        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }
}
