namespace Broker.ClientAgent.Tests;

public sealed class ClientAgentCommandLineTests
{
    [Fact]
    public void Parse_UnknownCommand_IsAnError()
    {
        var result = ClientAgentCommandLine.Create().Parse(["no-such-command"]);

        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public void Parse_Version_IsAccepted()
    {
        var result = ClientAgentCommandLine.Create().Parse(["--version"]);

        result.Errors.ShouldBeEmpty();
    }
}
