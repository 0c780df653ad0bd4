namespace Broker.Cli.Tests;

public sealed class BrokerCtlTests
{
    [Fact]
    public void Parse_UnknownCommand_IsAnError()
    {
        var result = BrokerCtl.Create().Parse(["no-such-command"]);

        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public void Parse_Version_IsAccepted()
    {
        var result = BrokerCtl.Create().Parse(["--version"]);

        result.Errors.ShouldBeEmpty();
    }
}
