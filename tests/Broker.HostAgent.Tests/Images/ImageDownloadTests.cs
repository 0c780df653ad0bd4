using System.Security.Cryptography;
using Broker.Contracts.V1;
using Broker.HostAgent.Images;
using Broker.Testing;
using Google.Protobuf;
using Grpc.Core;

namespace Broker.HostAgent.Tests.Images;

/// <summary>
/// The host's side of an image download (<see cref="ImageFetcher.DownloadAsync"/>): the bytes land
/// as sent when they match the header's length and SHA-256; a corrupted, short or long download,
/// or one without a header, is refused with <see cref="ImageImportException"/>.
/// </summary>
public sealed class ImageDownloadTests : IDisposable
{
    private readonly TempDirectory _temp = new("broker-host-download-");

    private readonly byte[] _file = RandomNumberGenerator.GetBytes(3000);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_MatchingItsHeader_IsWrittenAsSent()
    {
        var path = _temp.File("image");

        await ImageFetcher.DownloadAsync(Chunks(Header(_file), _file), path, Token);

        (await File.ReadAllBytesAsync(path, Token)).ShouldBe(_file);
    }

    public static TheoryData<string> BadDownloads() => ["corrupted", "short", "long", "headerless"];

    [Theory]
    [MemberData(nameof(BadDownloads))]
    public async Task Download_NotMatchingItsHeader_IsRefused(string kind)
    {
        var corrupted = _file.ToArray();
        corrupted[1234] ^= 0x01;
        var chunks = kind switch
        {
            "corrupted" => Chunks(Header(_file), corrupted),
            "short" => Chunks(Header(_file), _file[..^512]),
            "long" => Chunks(Header(_file), [.. _file, 0]),
            _ => Chunks(null, _file),
        };

        await Should.ThrowAsync<ImageImportException>(() => ImageFetcher.DownloadAsync(chunks, _temp.File("image"), Token));
    }

    public void Dispose() => _temp.Dispose();

    private static ImageFileHeader Header(byte[] file) => new() { SizeBytes = (ulong)file.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(file)) };

    /// <summary>The header (if any), then <paramref name="bytes"/> in pieces of 1000 bytes.</summary>
    private static ChunkReader Chunks(ImageFileHeader? header, byte[] bytes) =>
        new([.. header is null ? [] : new[] { new ImageFileChunk { Header = header } }, .. bytes.Chunk(1000).Select(piece => new ImageFileChunk { Data = ByteString.CopyFrom(piece) })]);

    private sealed class ChunkReader(IReadOnlyList<ImageFileChunk> chunks) : IAsyncStreamReader<ImageFileChunk>
    {
        private int _next;

        public ImageFileChunk Current { get; private set; } = null!;

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (_next == chunks.Count)
            {
                return Task.FromResult(false);
            }

            Current = chunks[_next++];
            return Task.FromResult(true);
        }
    }
}
