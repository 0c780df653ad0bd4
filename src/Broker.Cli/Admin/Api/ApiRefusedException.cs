using System.Net;

namespace Broker.Cli.Admin.Api;

/// <summary>The broker answered with an error status; <see cref="Exception.Message"/> is the one line to show.</summary>
internal sealed class ApiRefusedException : Exception
{
    public ApiRefusedException()
    {
    }

    public ApiRefusedException(string message)
        : base(message)
    {
    }

    public ApiRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiRefusedException(HttpStatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    public HttpStatusCode Status { get; }

    /// <summary>True when the broker found the request itself malformed or invalid (a usage error), not a refusal of a valid one.</summary>
    public bool IsBadInput => Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableContent;
}
