import { describe, expect, it } from 'vitest';
import { renderLivekitConfig } from '../../infra/local/livekit-config';

describe('renderLivekitConfig', () => {
  it('keeps livekit-server on loopback with no public STUN and signed webhooks', () => {
    const yaml = renderLivekitConfig({
      port: 7880,
      udpPort: 7882,
      deadStunPort: 3478,
      keys: { apiKey: 'APIabc', apiSecret: 's3cr3t' },
      webhookUrl: 'http://127.0.0.1:8080/api/livekit/webhook',
    });
    expect(yaml).toContain('bind_addresses: ["127.0.0.1"]');
    expect(yaml).toContain('node_ip: "127.0.0.1"');
    expect(yaml).toContain('enable_loopback_candidate: true');
    expect(yaml).toContain('tcp_port: 0');
    expect(yaml).toContain('use_external_ip: false');
    expect(yaml).toContain('stun_servers: ["127.0.0.1:3478"]');
    expect(yaml).toContain('"APIabc": "s3cr3t"');
    expect(yaml).toMatch(
      /webhook:\n {2}api_key: "APIabc"\n {2}urls: \["http:\/\/127\.0\.0\.1:8080\/api\/livekit\/webhook"\]/,
    );
  });
});
