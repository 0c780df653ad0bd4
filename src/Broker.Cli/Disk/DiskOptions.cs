using System.CommandLine;
using System.Globalization;

namespace Broker.Cli.Disk;

/// <summary>Options and arguments several disk commands share, with their parsers.</summary>
internal static class DiskOptions
{
    public static Argument<string> Path(string name, string description) => new(name) { Description = description };

    /// <summary>A size or offset in bytes; K, M, G, T suffixes (binary). Parse errors exit with 2.</summary>
    public static Option<long> Size(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (SizeParser.TryParse(token, out var value))
            {
                return value;
            }

            result.AddError($"'{token}' is not a valid value for {name}: expected a number with an optional K, M, G or T suffix.");
            return 0;
        },
    };

    /// <summary>A byte value, decimal or 0x hex.</summary>
    public static Option<byte> Byte(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            var parsed = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? byte.TryParse(token.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
                : byte.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out value);
            if (!parsed)
            {
                result.AddError($"'{token}' is not a byte value for {name}: expected 0-255 or 0x00-0xFF.");
            }

            return value;
        },
    };

    /// <summary>True when the option was given on the command line (not just defaulted).</summary>
    public static bool Given(this ParseResult parseResult, Option option) => parseResult.GetResult(option) is { Implicit: false };

    /// <summary>A block size as the library takes it; the range check is the library's.</summary>
    public static int ToBlockSize(long value) =>
        value is > 0 and <= int.MaxValue ? (int)value : throw new UsageException($"block size {value} is out of range (1M to 256M, a power of two).");

    public static string Human(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        var value = (double)bytes;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes} ({value:0.##} {units[unit]})");
    }
}
