using System.ComponentModel.DataAnnotations;

namespace Broker.Hosting;

/// <summary>Settings every Broker process shares (section <c>Broker</c>). Validated at start.</summary>
public sealed class BrokerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Broker";

    /// <summary>
    /// Where the process keeps its state: database file, logs, keys, first-start credentials.
    /// Relative paths are taken from the working directory.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary><see cref="DataDirectory"/> as an absolute path (empty while <see cref="DataDirectory"/> is, which validation rejects).</summary>
    public string FullDataDirectory => string.IsNullOrWhiteSpace(DataDirectory) ? string.Empty : Path.GetFullPath(DataDirectory);

    /// <summary>Directory of the rolling log files.</summary>
    public string LogDirectory => Path.Combine(FullDataDirectory, "logs");
}
