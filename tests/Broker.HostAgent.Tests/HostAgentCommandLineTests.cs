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

    [Fact]
    public void Parse_EnrollWithAnHttpAddress_IsAccepted()
    {
        var result = HostAgentCommandLine.Create().Parse(["enroll", "--server", "http://127.0.0.1:5181", "--token", "brk_enroll_x"]);

        result.Errors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("broker.example:5001")]
    [InlineData("ftp://broker.example")]
    public void Parse_EnrollWithABadAddress_IsAnErrorNamingIt(string address)
    {
        var result = HostAgentCommandLine.Create().Parse(["enroll", "--server", address, "--token", "brk_enroll_x"]);

        result.Errors.ShouldContain(error => error.Message.Contains(address, StringComparison.Ordinal));
    }
}
