namespace Broker.HostAgent.Desktops;

/// <summary>What applying one broker command came to; <see cref="Detail"/> says why when it failed or did nothing.</summary>
internal sealed record CommandOutcome(bool Succeeded, string Detail)
{
    public static readonly CommandOutcome Done = new(true, string.Empty);

    public static CommandOutcome NoOp(string why) => new(true, why);

    public static CommandOutcome Refused(string why) => new(false, why);
}
