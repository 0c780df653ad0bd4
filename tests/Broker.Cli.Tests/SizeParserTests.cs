using Broker.Cli.Disk;

namespace Broker.Cli.Tests;

public sealed class SizeParserTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("4096", 4096L)]
    [InlineData("1K", 1024L)]
    [InlineData("64m", 64L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("64T", 64L << 40)]
    [InlineData("3MiB", 3L << 20)]
    [InlineData("5KB", 5L << 10)]
    public void TryParse_ValidSize_GivesBytes(string text, long expected)
    {
        SizeParser.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("-1")]
    [InlineData("1.5G")]
    [InlineData("12Q")]
    [InlineData("99999999999T")]
    [InlineData("1 G")]
    public void TryParse_InvalidSize_Fails(string text) => SizeParser.TryParse(text, out _).ShouldBeFalse();
}
