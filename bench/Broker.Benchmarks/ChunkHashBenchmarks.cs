using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Broker.Benchmarks;

/// <summary>Chunk hash candidates over 1 MiB disk-like chunks (ADR 0004). Times are per chunk.</summary>
[MemoryDiagnoser]
public class ChunkHashBenchmarks
{
    private const int ChunkLength = 1 << 20;
    private const int ChunkCount = 8;

    private readonly byte[] _hash = new byte[32];
    private byte[][] _chunks = [];

    [GlobalSetup]
    public void Setup() => _chunks = [.. Enumerable.Range(0, ChunkCount).Select(seed => DiskLikeData.Create(ChunkLength, seed))];

    [Benchmark(Baseline = true, OperationsPerInvoke = ChunkCount)]
    public byte Sha256()
    {
        foreach (var chunk in _chunks)
        {
            SHA256.HashData(chunk, _hash);
        }

        return _hash[0];
    }

    [Benchmark(OperationsPerInvoke = ChunkCount)]
    public byte Blake3()
    {
        foreach (var chunk in _chunks)
        {
            global::Blake3.Hasher.Hash(chunk, _hash);
        }

        return _hash[0];
    }
}
