using System.ComponentModel.DataAnnotations;

namespace Broker.Server.Portal.Account;

/// <summary>What the login form posts.</summary>
internal sealed class LoginInput
{
    [Required(ErrorMessage = "Enter your user name.")]
    [StringLength(256)]
    public string UserName { get; set; } = string.Empty;

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(1024)]
    [DataType(DataType.Password)]
    public string Password { get; set; } = string.Empty;
}
