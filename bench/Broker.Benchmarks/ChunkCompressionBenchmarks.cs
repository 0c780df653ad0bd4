using BenchmarkDotNet.Attributes;

namespace Broker.Benchmarks;

/// <summary>
/// zstd over 1 MiB disk-like chunks: the managed port (ZstdSharp) against the native library
/// (ZstdNet), levels 1 and 3. Times are per chunk; the compression ratio is printed at setup.
/// </summary>
[MemoryDiagnoser]
public class ChunkCompressionBenchmarks : IDisposable
{
    private const int ChunkLength = 1 << 20;
    private const int ChunkCount = 8;

    private byte[][] _chunks = [];
    private byte[][] _compressed = [];
    private int[] _compressedLengths = [];
    private byte[] _output = [];
    private ZstdSharp.Compressor? _sharpCompressor;
    private ZstdSharp.Decompressor? _sharpDecompressor;
    private ZstdNet.CompressionOptions? _netOptions;
    private ZstdNet.Compressor? _netCompressor;
    private ZstdNet.Decompressor? _netDecompressor;

    [Params(1, 3)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chunks = [.. Enumerable.Range(0, ChunkCount).Select(seed => DiskLikeData.Create(ChunkLength, seed))];
        _output = new byte[ZstdSharp.Compressor.GetCompressBound(ChunkLength)];
        _sharpCompressor = new ZstdSharp.Compressor(Level);
        _sharpDecompressor = new ZstdSharp.Decompressor();
        _netOptions = new ZstdNet.CompressionOptions(Level);
        _netCompressor = new ZstdNet.Compressor(_netOptions);
        _netDecompressor = new ZstdNet.Decompressor();
        _compressed = [.. _chunks.Select(chunk => _sharpCompressor.Wrap(chunk).ToArray())];
        _compressedLengths = [.. _compressed.Select(c => c.Length)];
        var total = _compressedLengths.Sum(length => (long)length);
        Console.WriteLine($"// zstd level {Level}: {(double)ChunkCount * ChunkLength / total:F2}:1 on disk-like data");
    }

    [Benchmark(OperationsPerInvoke = ChunkCount)]
    public int ZstdSharpCompress()
    {
        var written = 0;
        foreach (var chunk in _chunks)
        {
            written += _sharpCompressor!.Wrap(chunk, _output);
        }

        return written;
    }

    [Benchmark(OperationsPerInvoke = ChunkCount)]
    public int ZstdNetCompress()
    {
        var written = 0;
        foreach (var chunk in _chunks)
        {
            written += _netCompressor!.Wrap(chunk, _output);
        }

        return written;
    }

    [Benchmark(OperationsPerInvoke = ChunkCount)]
    public int ZstdSharpDecompress()
    {
        var written = 0;
        foreach (var compressed in _compressed)
        {
            written += _sharpDecompressor!.Unwrap(compressed, _output);
        }

        return written;
    }

    [Benchmark(OperationsPerInvoke = ChunkCount)]
    public int ZstdNetDecompress()
    {
        var written = 0;
        foreach (var compressed in _compressed)
        {
            written += _netDecompressor!.Unwrap(compressed, _output, bufferSizePrecheck: false);
        }

        return written;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _sharpCompressor?.Dispose();
        _sharpDecompressor?.Dispose();
        _netCompressor?.Dispose();
        _netOptions?.Dispose();
        _netDecompressor?.Dispose();
        GC.SuppressFinalize(this);
    }
}
