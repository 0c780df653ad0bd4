using Broker.Testing;
using Broker.Vhdx.Storage;
using CsCheck;

namespace Broker.Vhdx.Tests;

/// <summary>Random writes, reads, flushes and reopens agree with a flat byte-array model.</summary>
public sealed class PropertyTests
{
    private const int MiB = 1 << 20;

    private enum Kind
    {
        Write,
        Read,
        Flush,
        Reopen,
    }

    [Fact]
    public async Task Operations_OnDynamicFile_MatchByteArrayModel()
    {
        await Operations(12L * MiB + (5 * 512), 512).SampleAsync(
            async ops =>
            {
                using var directory = new TempDirectory();
                var path = directory.File("p.vhdx");
                await (await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(12L * MiB + (5 * 512), MiB), TestContext.Current.CancellationToken)).DisposeAsync();
                await RunAsync(path, new byte[12L * MiB + (5 * 512)], ops);
            },
            iter: 20,
            threads: 1);
    }

    [Fact]
    public async Task Operations_OnDifferencingChildWith4KSectors_MatchByteArrayModel()
    {
        const long Size = 10L * MiB;
        using var parentDirectory = new TempDirectory();
        var parentPath = parentDirectory.File("parent.vhdx");
        var parentModel = new byte[Size];
        await using (var parent = await VhdxFile.CreateAsync(FileStorage.Instance, parentPath, VhdxCreateOptions.Dynamic(Size, MiB, 4096), TestContext.Current.CancellationToken))
        {
            new Random(9).NextBytes(parentModel.AsSpan(MiB, 5 * MiB));
            await parent.WriteAsync(MiB, parentModel.AsMemory(MiB, 5 * MiB), TestContext.Current.CancellationToken);
        }

        await Operations(Size, 4096).SampleAsync(
            async ops =>
            {
                using var directory = new TempDirectory();
                var path = directory.File("child.avhdx");
                await (await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Differencing(parentPath, MiB), TestContext.Current.CancellationToken)).DisposeAsync();
                await RunAsync(path, (byte[])parentModel.Clone(), ops);
            },
            iter: 15,
            threads: 1);
    }

    private static Gen<Op[]> Operations(long size, int sectorSize) =>
        Gen.Select(Gen.Int[0, 19], Gen.Long[0, size - 1], Gen.Int[1, 3 * MiB], Gen.Int[0, 255], (kind, offset, length, seed) =>
        {
            var op = kind switch
            {
                < 11 => Kind.Write,
                < 17 => Kind.Read,
                < 19 => Kind.Flush,
                _ => Kind.Reopen,
            };
            if (seed % 3 == 0)
            {
                // A third of the requests are sector aligned (the fast path).
                offset -= offset % sectorSize;
                length = Math.Max(sectorSize, length - (length % sectorSize));
            }

            length = (int)Math.Min(length, size - offset);
            return new Op(op, offset, length, (byte)seed);
        }).Array[1, 25];

    private static async Task RunAsync(string path, byte[] model, Op[] ops)
    {
        var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, TestContext.Current.CancellationToken);
        try
        {
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case Kind.Write:
                        var data = new byte[op.Length];
                        data.AsSpan().Fill(op.Seed);
                        data[0] = (byte)~op.Seed;
                        await disk.WriteAsync(op.Offset, data, TestContext.Current.CancellationToken);
                        data.CopyTo(model, op.Offset);
                        break;
                    case Kind.Read:
                        var buffer = new byte[op.Length];
                        await disk.ReadAsync(op.Offset, buffer, TestContext.Current.CancellationToken);
                        buffer.AsSpan().SequenceEqual(model.AsSpan((int)op.Offset, op.Length)).ShouldBeTrue($"read {op}");
                        break;
                    case Kind.Flush:
                        await disk.FlushAsync(TestContext.Current.CancellationToken);
                        break;
                    case Kind.Reopen:
                        await disk.DisposeAsync();
                        disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, TestContext.Current.CancellationToken);
                        break;
                }
            }
        }
        finally
        {
            await disk.DisposeAsync();
        }

        await using var reopened = await VhdxDisk.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);
        reopened.Top.LogGuid.ShouldBe(Guid.Empty);
        (await DiskHash.OfAsync(reopened, TestContext.Current.CancellationToken)).ShouldBe(DiskHash.Of(model));
    }

    private sealed record Op(Kind Kind, long Offset, int Length, byte Seed);
}
