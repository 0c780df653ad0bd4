using System.Globalization;

namespace Broker.Cli.Admin;

/// <summary>How values read in text output.</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    public static string YesNo(bool? value) => value switch { true => "yes", false => "no", null => "-" };

    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
