namespace Broker.Cli.Admin.Api;

/// <summary>No usable HTTP answer came from the broker: it is down, the address is wrong, or it is not a broker.</summary>
internal sealed class BrokerUnreachableException : IOException
{
    public BrokerUnreachableException()
    {
    }

    public BrokerUnreachableException(string message)
        : base(message)
    {
    }

    public BrokerUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
