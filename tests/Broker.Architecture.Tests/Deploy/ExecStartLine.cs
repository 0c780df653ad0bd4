namespace Broker.Architecture.Tests.Deploy;

/// <summary>The command a systemd unit starts: the executable's file name, its subcommand and its options.</summary>
internal sealed record ExecStartLine(string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>The leading arguments that are not options: the subcommand path, e.g. <c>run</c>.</summary>
    public IReadOnlyList<string> Subcommands => Arguments.TakeWhile(argument => !argument.StartsWith('-')).ToList();

    /// <summary>The options given, e.g. <c>--data-dir</c>.</summary>
    public IReadOnlyList<string> Options => Arguments.Where(argument => argument.StartsWith("--", StringComparison.Ordinal)).ToList();

    /// <summary>The single <c>ExecStart=</c> of a unit under <c>deploy/systemd</c> (split on spaces: the units quote nothing).</summary>
    public static ExecStartLine Parse(string unit)
    {
        var unitPath = Path.Combine(DeployFiles.Directory, "systemd", unit);
        var lines = File.ReadLines(unitPath)
            .Where(line => line.StartsWith("ExecStart=", StringComparison.Ordinal))
            .ToList();
        if (lines.Count != 1)
        {
            throw new InvalidOperationException($"{unit} has {lines.Count} ExecStart lines; expected one.");
        }

        var words = lines[0]["ExecStart=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new ExecStartLine(Path.GetFileName(words[0]), words[1..]);
    }
}
