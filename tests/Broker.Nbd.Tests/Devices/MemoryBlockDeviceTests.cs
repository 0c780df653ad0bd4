namespace Broker.Nbd.Tests.Devices;

public sealed class MemoryBlockDeviceTests
{
    [Fact]
    public async Task WriteAsync_AcrossChunkBoundary_ReadsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(4 << 20);
        var data = Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray();

        await device.WriteAsync((1 << 20) - 4096, data, forceUnitAccess: false, ct);
        var read = new byte[8192];
        await device.ReadAsync((1 << 20) - 4096, read, ct);

        read.ShouldBe(data);
        device.AllocatedBytes.ShouldBe(2L << 20);
    }

    [Fact]
    public async Task TrimAsync_WholeChunk_FreesItAndReadsZeroes()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(2 << 20);
        device.Write(0, Enumerable.Repeat((byte)1, 2 << 20).ToArray());

        await device.TrimAsync(0, 1 << 20, ct);

        device.AllocatedBytes.ShouldBe(1L << 20);
        var read = new byte[16];
        device.Read((1 << 20) - 16, read);
        read.ShouldAllBe(value => value == 0);
    }

    [Fact]
    public async Task WriteZeroesAsync_NoDeallocation_AllocatesZeroedChunk()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(1 << 20);

        await device.WriteZeroesAsync(0, 1 << 20, mayDeallocate: false, forceUnitAccess: true, ct);

        device.AllocatedBytes.ShouldBe(1L << 20);
    }

    [Fact]
    public void Read_PastTheEnd_Throws()
    {
        var device = new MemoryBlockDevice(4096);

        Should.Throw<ArgumentOutOfRangeException>(() => device.Read(4000, new byte[100]));
    }

    [Fact]
    public async Task WriteAsync_ReadOnly_ThrowsUnauthorizedAccess()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(4096, isReadOnly: true);

        await Should.ThrowAsync<UnauthorizedAccessException>(async () => await device.WriteAsync(0, new byte[1], false, ct));
    }

    [Fact]
    public void Constructor_SizeNotMultipleOfMinimumBlock_Throws()
    {
        Should.Throw<ArgumentException>(() => new MemoryBlockDevice(1000, new BlockSizeConstraints(512, 4096, 65536)));
    }
}
