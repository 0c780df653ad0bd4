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

    [Fact]
    public void Parse_EnrollWithoutToken_IsAnError()
    {
        var result = HostAgentCommandLine.Create().Parse(["enroll", "--server", "https://broker.example"]);

        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public void Parse_RunWithDataDirectory_IsAccepted()
    {
        var result = HostAgentCommandLine.Create().Parse(["run", "--data-dir", "/tmp/x"]);

        result.Errors.ShouldBeEmpty();
    }
}
