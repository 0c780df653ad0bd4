using Broker.Core.Entitlements;

namespace Broker.Core.Tests.Entitlements;

public sealed class GroupIdTests
{
    [Theory]
    [InlineData("engineering")]
    [InlineData("Design_Team-2.0")]
    [InlineData("a")]
    public void CheckName_OfAValidName_FindsNothing(string name) =>
        GroupId.CheckName("Group", name).ShouldBeEmpty();

    [Theory]
    [InlineData(null, "is required.")]
    [InlineData("", "is required.")]
    [InlineData("   ", "is required.")]
    [InlineData("two words", "may contain only")]
    [InlineData("a/b", "may contain only")]
    [InlineData("tab\there", "may contain only")]
    [InlineData("gruppe-ä", "may contain only")]
    public void CheckName_OfAnInvalidName_NamesTheField(string? name, string message)
    {
        var error = GroupId.CheckName("Group", name).ShouldHaveSingleItem();

        error.Field.ShouldBe("Group");
        error.Message.ShouldContain(message);
    }

    [Fact]
    public void CheckName_OfANameOneTooLong_IsRefused()
    {
        GroupId.CheckName("Group", new string('g', GroupId.MaxNameLength)).ShouldBeEmpty();
        GroupId.CheckName("Group", new string('g', GroupId.MaxNameLength + 1)).ShouldHaveSingleItem().Message.ShouldContain("at most");
    }
}
