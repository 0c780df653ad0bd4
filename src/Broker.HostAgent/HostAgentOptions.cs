using System.ComponentModel.DataAnnotations;
using Broker.HostAgent.Broker;

namespace Broker.HostAgent;

/// <summary>Settings of the host agent (section <c>HostAgent</c>), validated at start.</summary>
internal sealed class HostAgentOptions : IValidatableObject
{
    public const string SectionName = "HostAgent";

    /// <summary>TCP port of the <c>DiskTransfer</c> endpoint client agents dial; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int TransferPort { get; set; } = 7443;

    /// <summary>Listen on every interface rather than loopback only.</summary>
    public bool TransferListenAny { get; set; }

    /// <summary>
    /// Where client agents reach the <c>DiskTransfer</c> endpoint (absolute http or https URL, e.g.
    /// <c>http://10.0.0.5:7443</c>), reported to the broker in every heartbeat. Unset: derived from
    /// the bound port (<see cref="Broker.TransferAddress"/>). Set it when clients come through NAT, a
    /// proxy or a name other than the machine's host name.
    /// </summary>
    [MaxLength(2048)]
    public string? TransferAdvertiseAddress { get; set; }

    /// <summary>Below this many free bytes in the data directory the host refuses new work and reports itself unhealthy.</summary>
    [Range(0, long.MaxValue)]
    public long MinFreeBytes { get; set; } = 2L << 30;

    /// <summary>First delay before reconnecting to the broker; doubles per failed attempt, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnect attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a guest gets to power off after the ACPI request before QEMU is told to quit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PowerdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Guest memory of each desktop VM.</summary>
    [Range(16, 1 << 20)]
    public int VmMemoryMiB { get; set; } = 256;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(TransferAdvertiseAddress) && !TransferAddress.IsValid(TransferAdvertiseAddress))
        {
            yield return new ValidationResult("must be an absolute http or https URL.", [nameof(TransferAdvertiseAddress)]);
        }
    }
}
