namespace Broker.HostAgent.Tests;

public sealed class HostAgentCommandLineTests
{
    [Fact]
    public void Parse_UnknownCommand_IsAnError()
    {
        var result = HostAgentCommandLine.Create().Parse(["no-such-command"]);

        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public void Parse_Version_IsAccepted()
    {
        var result = HostAgentCommandLine.Create().Parse(["--version"]);

        result.Errors.ShouldBeEmpty();
    }
}
