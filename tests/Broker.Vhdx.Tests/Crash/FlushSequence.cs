using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Crash;

/// <summary>
/// A crash-tested write/flush sequence on one disk (a file with its parents): open read-write,
/// each step's writes followed by a flush, close. It knows the content after every step and, from
/// the counting run of <see cref="CrashTester"/>, the operation count at which each flush returned.
/// </summary>
/// <remarks>
/// Every write of a step must go to sectors the top file does not hold yet (unallocated blocks, or
/// absent sectors of a differencing file's blocks), so a step is all-or-nothing: its payload is
/// invisible until its BAT and sector bitmap changes commit through one log entry. The state after a crash is then
/// exactly the content after the last returned flush or after the step in progress.
/// </remarks>
internal sealed class FlushSequence
{
    /// <summary>Bytes compared around every write.</summary>
    private const int Margin = 4096;

    /// <summary>Up to this virtual size, the first <see cref="Margin"/> bytes of every MiB are compared too.</summary>
    private const long SampledDiskSize = 64L << 20;
    private const long SampleStride = 1L << 20;

    private readonly string _path;
    private readonly IReadOnlyList<IReadOnlyList<DiskWrite>> _steps;
    private readonly IReadOnlyList<(long Offset, int Length)> _ranges;

    /// <summary>Expected bytes of every range after step k (index 0: before the first step).</summary>
    private readonly List<byte[][]> _models = [];
    private readonly List<int> _flushReturnedAt = [];

    /// <param name="path">The disk's top file.</param>
    /// <param name="steps">Writes of each step; a flush follows each step.</param>
    /// <param name="baseContent">The disk's content before the sequence, or null for zeros.</param>
    /// <param name="virtualSize">Virtual size: ranges compared are every write with 4 KiB around it, and on small disks the start of every MiB.</param>
    public FlushSequence(string path, IReadOnlyList<IReadOnlyList<DiskWrite>> steps, byte[]? baseContent, long virtualSize)
    {
        _path = path;
        _steps = steps;
        var blockStarts = virtualSize <= SampledDiskSize
            ? Enumerable.Range(0, (int)(virtualSize / SampleStride)).Select(index => (index * SampleStride, Margin))
            : [];
        _ranges = [.. steps.SelectMany(step => step).Select(write =>
            {
                var start = Math.Max(0, write.Offset - Margin);
                return (start, (int)(Math.Min(virtualSize, write.End + Margin) - start));
            })
            .Concat(blockStarts)];
        for (var step = 0; step <= steps.Count; step++)
        {
            _models.Add([.. _ranges.Select(range => Expected(range.Offset, range.Length, baseContent, steps.Take(step)))]);
        }
    }

    /// <summary>The operation for <see cref="CrashTester.RunAsync"/>.</summary>
    public async Task RunAsync(IStorage storage, CancellationToken cancellationToken)
    {
        var crashing = (CrashingStorage)storage;
        var flushReturnedAt = new List<int>();
        await using (var disk = await VhdxDisk.OpenAsync(storage, _path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            foreach (var step in _steps)
            {
                foreach (var write in step)
                {
                    await disk.WriteAsync(write.Offset, write.Data, cancellationToken);
                }

                await disk.FlushAsync(cancellationToken);
                flushReturnedAt.Add(crashing.OperationCount);
            }
        }

        // The first (counting) run is never crashed, and every run issues the same I/O.
        if (_flushReturnedAt.Count == 0)
        {
            _flushReturnedAt.AddRange(flushReturnedAt);
        }
    }

    /// <summary>
    /// The verification for <see cref="CrashTester.RunAsync"/>: a read-write open replays the log,
    /// then every file of the chain checks clean and the content is that after the last returned
    /// flush or after the step in progress.
    /// </summary>
    public async Task VerifyAsync(CrashingStorage storage, CrashPoint point, CancellationToken cancellationToken)
    {
        _flushReturnedAt.Count.ShouldBe(_steps.Count, "the counting run did not record every flush");
        var flushed = _flushReturnedAt.Count(returnedAt => returnedAt <= point.CompletedOperations);
        IReadOnlyList<string> chain;
        await using (var replayed = await VhdxDisk.OpenAsync(storage, _path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            chain = [.. replayed.Files.Select(file => file.Path)];
        }

        foreach (var file in chain)
        {
            await CrashDisks.ShouldCheckCleanAsync(storage, file, cancellationToken);
        }

        await using var disk = await VhdxDisk.OpenAsync(storage, _path, null, cancellationToken);
        var actual = new byte[_ranges.Count][];
        for (var i = 0; i < _ranges.Count; i++)
        {
            actual[i] = new byte[_ranges[i].Length];
            await disk.ReadAsync(_ranges[i].Offset, actual[i], cancellationToken);
        }

        var candidates = flushed == _steps.Count ? [flushed] : new[] { flushed, flushed + 1 };
        if (!candidates.Any(step => Matches(actual, _models[step])))
        {
            throw new ShouldAssertException($"content is that after none of steps {string.Join(", ", candidates)}: {Describe(actual, candidates)}");
        }
    }

    private static bool Matches(byte[][] actual, byte[][] model) =>
        actual.Zip(model).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));

    private string Describe(byte[][] actual, int[] candidates)
    {
        var differences = candidates.Select(step =>
        {
            var range = Enumerable.Range(0, actual.Length).First(i => !actual[i].AsSpan().SequenceEqual(_models[step][i]));
            var index = actual[range].AsSpan().CommonPrefixLength(_models[step][range]);
            return $"vs step {step}: first difference at offset {_ranges[range].Offset + index}";
        });
        return string.Join(", ", differences);
    }

    private static byte[] Expected(long offset, int length, byte[]? baseContent, IEnumerable<IReadOnlyList<DiskWrite>> steps)
    {
        var expected = new byte[length];
        baseContent?.AsSpan((int)offset, length).CopyTo(expected);
        foreach (var write in steps.SelectMany(step => step))
        {
            var start = Math.Max(offset, write.Offset);
            var end = Math.Min(offset + length, write.End);
            if (start < end)
            {
                write.Data.AsSpan((int)(start - write.Offset), (int)(end - start)).CopyTo(expected.AsSpan((int)(start - offset)));
            }
        }

        return expected;
    }
}
