using System.Text.Json;
using Broker.Testing;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// <c>brokerctl</c> from the build output as one person: its login (<c>brokerctl admin login</c>)
/// is kept under <paramref name="configHome"/> (<c>XDG_CONFIG_HOME</c>), as the demo keeps its admin's.
/// </summary>
internal sealed class Brokerctl(string configHome)
{
    /// <summary>Runs <c>brokerctl</c> and fails the test, quoting its output, when it does not exit 0.</summary>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, string? standardInput = null)
    {
        string[] command = [$"XDG_CONFIG_HOME={configHome}", BuildOutput.Brokerctl, .. arguments];
        var result = await ExternalTool.RunAsync("env", command, cancellationToken, standardInput);
        result.ExitCode.ShouldBe(0, $"brokerctl {string.Join(' ', arguments)}: {result}");
        return result.StandardOutput;
    }

    /// <summary><c>brokerctl admin --json …</c>, parsed.</summary>
    public async Task<JsonElement> AdminJsonAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var output = await RunAsync(["admin", "--json", .. arguments], cancellationToken);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
