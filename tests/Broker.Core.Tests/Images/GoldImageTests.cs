using Broker.Core.Images;

namespace Broker.Core.Tests.Images;

public sealed class GoldImageTests
{
    private const string Sha = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly ImageId Id = new(Guid.Parse("10000000-0000-0000-0000-000000000001"));

    [Fact]
    public void Create_ValidDraft_BuildsTheImage()
    {
        // Act
        var result = GoldImage.Create(Id, new GoldImageDraft("Win 11", "2025.06", Sha, 40L << 30));

        // Assert
        var image = result.Value.ShouldNotBeNull();
        image.Base.Value.ShouldBe(Sha);
        image.SizeBytes.ShouldBe(40L << 30);
    }

    [Fact]
    public void Create_EverythingWrong_ListsEveryField()
    {
        // Act
        var result = GoldImage.Create(default, new GoldImageDraft("", null, "md5:abc", 0));

        // Assert
        result.Errors.Select(error => error.Field).ShouldBe(["Name", "Version", "BaseContentAddress", "SizeBytes", "Id"]);
    }

    [Theory]
    [InlineData(Sha, true)]
    [InlineData("sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", false)]
    [InlineData("sha256:9f86", false)]
    [InlineData("sha512:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", false)]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g", false)]
    [InlineData(null, false)]
    public void ContentAddressTryParse_Text_AcceptsOnlyTheCanonicalSha256Form(string? text, bool valid)
    {
        // Act
        var parsed = ContentAddress.TryParse(text, out var address);

        // Assert
        parsed.ShouldBe(valid);
        address.ToString().ShouldBe(valid ? text! : string.Empty);
    }
}
