using System.Text;
using Broker.Qemu.Qmp;

namespace Broker.Qemu.Tests.Qmp;

public sealed class QmpLineReaderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadLineAsync_LinesSplitAcrossReads_ReturnsWholeLinesWithoutLineEnds()
    {
        var reader = new QmpLineReader(new TrickleStream("{\"a\":1}\r\n\r\n{\"b\":2}\n"u8.ToArray()));

        var first = Encoding.UTF8.GetString((await reader.ReadLineAsync(Token))!.Value.Span);
        var firstOffset = reader.MessageOffset;
        var second = Encoding.UTF8.GetString((await reader.ReadLineAsync(Token))!.Value.Span);
        var secondOffset = reader.MessageOffset;
        var end = await reader.ReadLineAsync(Token);

        first.ShouldBe("{\"a\":1}");
        firstOffset.ShouldBe(0);
        second.ShouldBe("{\"b\":2}");
        secondOffset.ShouldBe(11);
        end.ShouldBeNull();
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanLimit_ThrowsInvalidDataException()
    {
        var reader = new QmpLineReader(new MemoryStream(new byte[QmpLineReader.MaxMessageBytes + 10]));

        await Should.ThrowAsync<InvalidDataException>(async () => await reader.ReadLineAsync(Token));
    }

    [Fact]
    public async Task ReadLineAsync_StreamEndsInsideALine_ThrowsInvalidDataException()
    {
        var reader = new QmpLineReader(new MemoryStream("{\"a\":"u8.ToArray()));

        await Should.ThrowAsync<InvalidDataException>(async () => await reader.ReadLineAsync(Token));
    }

    /// <summary>Returns at most three bytes per read, to exercise reassembly.</summary>
    private sealed class TrickleStream(byte[] content) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(3, buffer.Length)], cancellationToken);
    }
}
