package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// The dataset resource keeps what it needs to converge the table in private state, which
// Terraform stores with the resource but never shows in plans:
//
//   - "ledger": the key and a 32-bit content hash of every item the resource has written and
//     not deleted (internal/ledger: front-coded, compressed; a few bytes per item);
//   - "unconfirmed": after an interrupted load, the keys of the items it had sent without an
//     answer from DynamoDB (they may be in the table), so the next apply rewrites or deletes
//     them and destroy deletes them;
//   - "resume": after an interrupted load, the digest of the dataset being loaded and the
//     records already written, so the next apply writes only the rest;
//   - "drift": set by refresh when loaded items were missing or changed, so the next apply
//     rewrites every item instead of only the changed ones.
//
// Together they are a converge.State.
const (
	privateLedger      = "ledger"
	privateUnconfirmed = "unconfirmed"
	privateResume      = "resume"
	privateDrift       = "drift"
)

// getState reads the converge state kept in private state.
func getState(ctx context.Context, p privateGetter) (converge.State, diag.Diagnostics) {
	var st converge.State
	var diags, d diag.Diagnostics
	st.Ledger, d = getLedgerKey(ctx, p, privateLedger)
	diags.Append(d...)
	st.Unconfirmed, d = getLedgerKey(ctx, p, privateUnconfirmed)
	diags.Append(d...)
	r, acked, d := getResume(ctx, p)
	diags.Append(d...)
	if r != nil {
		if files, err := hex.DecodeString(r.Files); err == nil && len(files) == sha256.Size {
			st.Resume = &converge.Resume{Digest: r.Digest, Acked: acked}
			copy(st.Resume.Files[:], files)
		}
	}
	st.Drifted, d = getDrift(ctx, p)
	diags.Append(d...)
	return st, diags
}

// setState stores st in private state.
func setState(ctx context.Context, p privateSetter, st converge.State) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(setLedgerKey(ctx, p, privateLedger, st.Ledger)...)
	diags.Append(setLedgerKey(ctx, p, privateUnconfirmed, st.Unconfirmed)...)
	if r := st.Resume; r != nil {
		diags.Append(setJSON(ctx, p, privateResume, resumeInfo{Digest: r.Digest, Files: hex.EncodeToString(r.Files[:]), Acked: r.Acked.Encode()})...)
	} else {
		diags.Append(setJSON(ctx, p, privateResume, nil)...)
	}
	diags.Append(setDrift(ctx, p, st.Drifted)...)
	return diags
}

// privateGetter and privateSetter are what plan, state and response private data offer.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type resumeInfo struct {
	Digest string `json:"digest"`
	Files  string `json:"files"` // hex SHA-256 of the files' bytes; resume points without it are not used
	Acked  string `json:"acked"` // loader.Bitmap encoding
}

func getLedger(ctx context.Context, p privateGetter) (*ledger.Ledger, diag.Diagnostics) {
	return getLedgerKey(ctx, p, privateLedger)
}

func getLedgerKey(ctx context.Context, p privateGetter, key string) (*ledger.Ledger, diag.Diagnostics) {
	b, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(b) == 0 {
		return nil, diags
	}
	l, err := decodedLedgers.get(b, func(b []byte) (*ledger.Ledger, error) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, err
		}
		return ledger.DecodeString(s)
	})
	if err != nil {
		diags.AddError("Corrupt Private State",
			"The record of the items this dataset loaded cannot be read, so removed items cannot be deleted. "+
				"Remove the resource from state (terraform state rm) and apply again to reload the dataset.\n\n"+err.Error())
	}
	return l, diags
}

// setLedgerKey stores l under key; an empty unconfirmed set removes the key.
func setLedgerKey(ctx context.Context, p privateSetter, key string, l *ledger.Ledger) diag.Diagnostics {
	if l.Len() == 0 && key != privateLedger {
		return setJSON(ctx, p, key, nil)
	}
	return p.SetKey(ctx, key, l.JSONString())
}

func getResume(ctx context.Context, p privateGetter) (*resumeInfo, *loader.Bitmap, diag.Diagnostics) {
	var r resumeInfo
	diags := getJSON(ctx, p, privateResume, &r)
	if diags.HasError() || r.Digest == "" {
		return nil, nil, diags
	}
	b, err := loader.DecodeBitmap(r.Acked)
	if err != nil {
		return nil, nil, diags // an unreadable resume point only costs rewriting
	}
	return &r, b, diags
}

func getDrift(ctx context.Context, p privateGetter) (bool, diag.Diagnostics) {
	var d bool
	diags := getJSON(ctx, p, privateDrift, &d)
	return d, diags
}

func setDrift(ctx context.Context, p privateSetter, drifted bool) diag.Diagnostics {
	if !drifted {
		return setJSON(ctx, p, privateDrift, nil)
	}
	return setJSON(ctx, p, privateDrift, true)
}

func getJSON(ctx context.Context, p privateGetter, key string, v any) diag.Diagnostics {
	b, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(b) == 0 {
		return diags
	}
	if err := json.Unmarshal(b, v); err != nil {
		diags.AddError("Corrupt Private State", "Private state key "+key+" is not valid: "+err.Error())
	}
	return diags
}

// setJSON stores v, or removes the key when v is nil.
func setJSON(ctx context.Context, p privateSetter, key string, v any) diag.Diagnostics {
	if v == nil {
		return p.SetKey(ctx, key, nil)
	}
	b, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot Store Private State", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, b)
}
