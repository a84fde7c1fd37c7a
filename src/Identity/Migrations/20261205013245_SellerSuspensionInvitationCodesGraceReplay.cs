using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Identity.Migrations
{
    /// <inheritdoc />
    internal partial class SellerSuspensionInvitationCodesGraceReplay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "suspended_at",
                schema: "identity",
                table: "sellers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suspension_reason",
                schema: "identity",
                table: "sellers",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "code_hash",
                schema: "identity",
                table: "seller_invitations",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "grace_replayed_at",
                schema: "identity",
                table: "refresh_tokens",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "suspended_at",
                schema: "identity",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "suspension_reason",
                schema: "identity",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "code_hash",
                schema: "identity",
                table: "seller_invitations");

            migrationBuilder.DropColumn(
                name: "grace_replayed_at",
                schema: "identity",
                table: "refresh_tokens");
        }
    }
}
