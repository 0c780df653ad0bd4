using System.Globalization;

namespace Broker.Transfer.Tests.Worker;

/// <summary>A worker command's <c>name=value</c> arguments.</summary>
internal sealed class WorkerArguments(IEnumerable<string> arguments)
{
    private readonly Dictionary<string, string> _values = arguments
        .Select(argument => argument.Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : string.Empty, StringComparer.Ordinal);

    public string this[string name] => _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"Missing argument {name}=….");

    public long Number(string name) => long.Parse(this[name], NumberStyles.None, CultureInfo.InvariantCulture);
}
